using System;
using System.Threading;

namespace NetComm.Transport;

/// <summary>
/// What every timeout in the library may be: positive and at most int.MaxValue milliseconds (what sockets and
/// timers take), or <see cref="Timeout.InfiniteTimeSpan"/>. One rule, so that options refused at connect time and
/// values refused by the transport never disagree.
/// </summary>
internal static class TimeoutRule
{
    public const string Description = "a timeout must be positive and at most 24.8 days (int.MaxValue ms), or Timeout.InfiniteTimeSpan";

    public static bool IsValid(TimeSpan value)
        => value == Timeout.InfiniteTimeSpan || (value > TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue);
}
