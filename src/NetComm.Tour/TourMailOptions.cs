using NetComm.Mail;

namespace NetComm.Tour;

/// <summary>Where the mail step sends and reads. Passwords never come from the command line.</summary>
internal sealed class TourMailOptions
{
    /// <summary>The in-process server's demo account password (not a secret: the server lives for one run).</summary>
    public const string DemoPassword = "tour-demo-password";

    public const string PasswordVariable = "NETCOMM_TOUR_PASSWORD";

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public TlsMode SmtpTls { get; set; } = TlsMode.Auto;

    public string? Pop3Host { get; set; }

    public int Pop3Port { get; set; } = 995;

    public TlsMode Pop3Tls { get; set; } = TlsMode.Auto;

    public string User { get; set; } = "admin";

    public string From { get; set; } = "python@example.test";

    public string To { get; set; } = "admin@example.test";

    /// <summary>Null with the in-process server; from the environment or a prompt for real servers.</summary>
    public string? Password { get; set; }

    public bool UsesRealServers => SmtpHost is not null || Pop3Host is not null;

    /// <summary>Reads the password for real servers from <see cref="PasswordVariable"/>, or prompts without echo.</summary>
    public void ResolvePassword(TextWriter output)
    {
        if (!UsesRealServers)
        {
            return;
        }

        Password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (Password is not null)
        {
            return;
        }

        if (Console.IsInputRedirected)
        {
            throw new ArgumentException($"real servers need a password: set {PasswordVariable} (it is never taken from the command line).");
        }

        output.Write($"Password for {User}: ");
        var password = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        output.WriteLine();
        Password = password.ToString();
    }
}
