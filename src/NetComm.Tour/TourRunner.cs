namespace NetComm.Tour;

/// <summary>Parses the command line and runs the tour's steps in the tutorial's order.</summary>
internal static class TourRunner
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        TourOptions options;
        try
        {
            options = TourOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await output.WriteLineAsync(TourOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        if (options.ShowHelp)
        {
            await output.WriteLineAsync(TourOptions.Usage).ConfigureAwait(false);
            return 0;
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
}
