using System.Globalization;
using System.Text.RegularExpressions;

namespace NetComm.InteropTests.Support;

/// <summary>
/// Runs the built tour, <c>dotnet NetComm.Tour.dll ARGS</c> (the project reference copies it, with its
/// runtimeconfig, next to the tests), as a user runs <c>dotnet run --project src/NetComm.Tour -- ARGS</c>.
/// </summary>
public sealed partial class TourProcess : CapturedProcess
{
    private TourProcess(IEnumerable<string> arguments)
        : base("dotnet", arguments.Prepend(Path.Combine(AppContext.BaseDirectory, "NetComm.Tour.dll")))
    {
    }

    public static TourProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Starts <c>serve --port 0</c> and returns it with the one port its TCP and UDP servers share.</summary>
    public static async Task<(TourProcess Serve, int Port)> ServeAsync(TimeSpan timeout)
    {
        var serve = Start("serve", "--port", "0");
        try
        {
            var match = await serve.WaitForLineAsync(ServingLine(), timeout)
                ?? throw new AssertionException($"serve ended without serving.\nstdout:\n{serve.Output}\nstderr:\n{serve.Errors}");
            return (serve, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            serve.Dispose();
            throw;
        }
    }

    [GeneratedRegex(@"^serve: TCP and UDP on 127\.0\.0\.1 port (\d+);")]
    private static partial Regex ServingLine();
}
