using System.Runtime.InteropServices;

namespace NetComm.Tour;

/// <summary>Parses the command line and runs the tour's steps in the tutorial's order.</summary>
internal static class TourRunner
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (TutorialCommandOptions.IsCommand(args))
        {
            return await RunCommandAsync(args, output).ConfigureAwait(false);
        }

        var (options, exit) = await ParseAsync(args, TourOptions.Parse, o => o.ShowHelp, TourOptions.Usage, output).ConfigureAwait(false);
        if (options is null)
        {
            return exit;
        }

        var step = "setup";
        try
        {
            using var timeout = new CancellationTokenSource(options.Timeout);
            if (options.Runs("tcp"))
            {
                step = "tcp";
                await output.WriteLineAsync("== TCP: a thread per client ==").ConfigureAwait(false);
                TcpTour.Run(options, output);
            }

            if (options.Runs("udp"))
            {
                step = "udp";
                await output.WriteLineAsync("== UDP: datagrams ==").ConfigureAwait(false);
                await UdpTour.RunAsync(options, output, timeout.Token).ConfigureAwait(false);
            }

            if (options.Runs("mail"))
            {
                step = "mail";
                await output.WriteLineAsync("== Mail: SMTP then POP3 ==").ConfigureAwait(false);
                options.Mail.ResolvePassword(output);
                await MailTour.RunAsync(options, output, timeout.Token).ConfigureAwait(false);
            }

            await output.WriteLineAsync("Tour finished: all steps passed.").ConfigureAwait(false);
            return 0;
        }
        catch (Exception e)
        {
            // One line, the reason first: a stack trace helps nobody running a tour.
            await output.WriteLineAsync($"Tour failed in step '{step}': {e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ")).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// Parses the command line; null options when the run ends here: exit code 2 after a bad argument (its error
    /// and the usage printed), 0 after printing the usage that was asked for.
    /// </summary>
    private static async Task<(T? Options, int Exit)> ParseAsync<T>(string[] args, Func<string[], T> parse, Func<T, bool> showHelp, string usage, TextWriter output)
        where T : class
    {
        T options;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await output.WriteLineAsync(usage).ConfigureAwait(false);
            return (null, 2);
        }

        if (showHelp(options))
        {
            await output.WriteLineAsync(usage).ConfigureAwait(false);
            return (null, 0);
        }

        return (options, 0);
    }

    /// <summary><c>serve</c> (until Ctrl+C or SIGTERM) or <c>connect</c>.</summary>
    private static async Task<int> RunCommandAsync(string[] args, TextWriter output)
    {
        var (options, exit) = await ParseAsync(args, TutorialCommandOptions.Parse, o => o.ShowHelp, TutorialCommandOptions.Usage, output).ConfigureAwait(false);
        if (options is null)
        {
            return exit;
        }

        try
        {
            if (options.Command == "serve")
            {
                using var stop = new CancellationTokenSource();
                void Stop(PosixSignalContext context)
                {
                    context.Cancel = true;   // stop the servers ourselves, then exit 0
                    stop.Cancel();
                }

                using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
                using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                return await ServeCommand.RunAsync(options, output, stop.Token).ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(options.Timeout * 4);
            return await ConnectCommand.RunAsync(options, output, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await output.WriteLineAsync($"{options.Command} failed: {e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ")).ConfigureAwait(false);
            return 1;
        }
    }
}
