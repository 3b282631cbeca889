using Microsoft.Extensions.Logging;

namespace NetComm.Tests.Support;

/// <summary>A logger that keeps every entry with its level and event id, for asserting what was logged and how loudly.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, int Id, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, int Id, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
