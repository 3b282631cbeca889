using System;
using System.Security.Cryptography;
using System.Text;

namespace NetComm.Mail.Sasl;

/// <summary>PLAIN (RFC 4616): authzid NUL user NUL password, sent as the initial response.</summary>
internal sealed class PlainMechanism(MailCredentials credentials) : SaslMechanism
{
    public override string Name => "PLAIN";

    public override bool RevealsSecret => true;

    public override byte[]? InitialResponse()
        => Encoding.UTF8.GetBytes($"{credentials.AuthorizationId}\0{credentials.UserName}\0{credentials.Password}");

    public override byte[] Respond(ReadOnlySpan<byte> challenge) => InitialResponse()!;
}

/// <summary>LOGIN (draft-murchison-sasl-login): user name, then password, whatever the prompts say.</summary>
internal sealed class LoginMechanism(MailCredentials credentials) : SaslMechanism
{
    private int _step;

    public override string Name => "LOGIN";

    public override bool RevealsSecret => true;

    public override byte[]? InitialResponse() => null;

    public override byte[] Respond(ReadOnlySpan<byte> challenge) => _step++ switch
    {
        0 => Encoding.UTF8.GetBytes(credentials.UserName),
        1 => Encoding.UTF8.GetBytes(credentials.Password!),
        _ => throw new MailAuthenticationException("The server sent more LOGIN challenges than the mechanism has.") { Mechanism = Name },
    };
}

/// <summary>CRAM-MD5 (RFC 2195): user, space, hex HMAC-MD5 of the challenge keyed with the password.</summary>
internal sealed class CramMd5Mechanism(MailCredentials credentials) : SaslMechanism
{
    public override string Name => "CRAM-MD5";

    public override bool RevealsSecret => false;

    public override byte[]? InitialResponse() => null;

    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        // CRAM-MD5 is defined over HMAC-MD5; MD5's weakness does not break HMAC here, and the server chose it.
#pragma warning disable CA5351
        var digest = HMACMD5.HashData(Encoding.UTF8.GetBytes(credentials.Password!), challenge);
#pragma warning restore CA5351
        return Encoding.UTF8.GetBytes($"{credentials.UserName} {Convert.ToHexString(digest).ToLowerInvariant()}");
    }
}

/// <summary>XOAUTH2 (Google/Microsoft): the bearer token as the initial response; an error challenge is answered empty.</summary>
internal sealed class XOAuth2Mechanism(MailCredentials credentials) : SaslMechanism
{
    public override string Name => "XOAUTH2";

    public override bool RevealsSecret => true;

    public override byte[]? InitialResponse()
        => Encoding.UTF8.GetBytes($"user={credentials.UserName}\u0001auth=Bearer {credentials.AccessToken}\u0001\u0001");

    // The server sends a JSON error as a challenge; the empty answer lets it finish with the failure reply.
    public override byte[] Respond(ReadOnlySpan<byte> challenge) => [];
}
