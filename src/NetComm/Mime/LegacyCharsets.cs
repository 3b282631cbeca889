using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;

namespace NetComm.Mime;

/// <summary>
/// Makes the legacy charsets mail still uses (GB2312, GBK, Big5, Shift_JIS, KOI8-R, windows-125x, ISO-8859-x)
/// available to MimeKit. .NET ships them but leaves them unregistered, and without them MimeKit decodes such
/// headers and bodies as Latin-1 garbage. Registering the runtime's own provider only adds encodings.
/// </summary>
internal static class LegacyCharsets
{
    private static int s_registered;

    /// <summary>
    /// Runs when NetComm is loaded. It cannot wait for the first POP3 client or outline: MimeKit builds its
    /// charset table once, on its first use, and a provider registered after that is never seen.
    /// </summary>
#pragma warning disable CA2255 // A library module initializer, on purpose: see above; it only adds encodings.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        }
    }
}
