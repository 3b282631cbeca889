using System.Collections;
using System.Reflection;
using NetComm.Mail;
using NetComm.Pop3;
using NetComm.Smtp;
using NetComm.Transport;

namespace NetComm.Tests.Mail;

/// <summary>
/// Options and credentials are plain objects a configuration binder can fill (parameterless constructor, settable
/// properties or mutable collections), without NetComm depending on any configuration package; and nothing
/// secret leaks through ToString.
/// </summary>
[TestFixture]
public class OptionsBindingTests
{
    private static readonly Type[] s_bindable = [typeof(SmtpClientOptions), typeof(Pop3ClientOptions), typeof(TlsClientOptions), typeof(MailCredentials)];

    [TestCaseSource(nameof(s_bindable))]
    public void Every_setting_can_be_bound(Type type)
    {
        Assert.That(type.GetConstructor(Type.EmptyTypes), Is.Not.Null, "a public parameterless constructor");
        var unbindable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not { IsPublic: true } || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"))
            .Where(p => !typeof(IList).IsAssignableFrom(p.PropertyType) && !IsGenericList(p.PropertyType) && p.GetMethod!.IsPublic && p.Name != "EqualityContract")
            .Where(p => p.DeclaringType != typeof(object))
            .Select(p => p.Name)
            .ToList();
        Assert.That(unbindable, Is.Empty, $"{type.Name} properties a binder cannot set");
    }

    [Test]
    public void New_options_name_no_server()
    {
        Assert.That(new SmtpClientOptions().Host, Is.Empty, "no server is assumed");
        Assert.That(new Pop3ClientOptions().Host, Is.Empty);
    }

    [Test]
    public void Secrets_stay_out_of_ToString()
    {
        var credentials = new MailCredentials { UserName = "alice", Password = "hunter2", AuthorizationId = "admin" };
        Assert.That(credentials.ToString(), Does.Contain("alice").And.Not.Contain("hunter2"));
        credentials = new MailCredentials { UserName = "alice", AccessToken = "ya29.token" };
        Assert.That(credentials.ToString(), Does.Not.Contain("ya29"));
    }

    private static bool IsGenericList(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(IList<>) || definition == typeof(ICollection<>));
}
