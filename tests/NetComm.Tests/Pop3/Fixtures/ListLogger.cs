using Microsoft.Extensions.Logging;

namespace NetComm.Tests.Pop3.Fixtures;

/// <summary>An ILogger that keeps every event, for asserting on event ids and messages.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(EventId Id, LogLevel Level, string Message)> _events = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_events)
        {
            _events.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}
