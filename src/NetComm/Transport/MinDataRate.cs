using System;

namespace NetComm.Transport;

/// <summary>
/// The slowest a peer may send during a long read (in the spirit of Kestrel's <c>MinRequestBodyDataRate</c>):
/// after <see cref="GracePeriod"/>, the bytes received since the read began must keep up with
/// <see cref="BytesPerSecond"/>, or the read ends with a <see cref="TimeoutException"/>.
/// </summary>
public sealed class MinDataRate
{
    /// <summary>Creates a rate.</summary>
    /// <param name="bytesPerSecond">The minimum average rate, in bytes per second; positive.</param>
    /// <param name="gracePeriod">Time allowed before the rate is enforced (slow start, a first round trip); not negative.</param>
    public MinDataRate(double bytesPerSecond, TimeSpan gracePeriod)
    {
        if (!(bytesPerSecond > 0) || double.IsInfinity(bytesPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "The rate must be a positive number of bytes per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        BytesPerSecond = bytesPerSecond;
        GracePeriod = gracePeriod;
    }

    /// <summary>The minimum average rate, in bytes per second.</summary>
    public double BytesPerSecond { get; }

    /// <summary>Time allowed before the rate is enforced.</summary>
    public TimeSpan GracePeriod { get; }

    /// <inheritdoc />
    public override string ToString() => $"{BytesPerSecond:0.###} bytes/s after {GracePeriod.TotalSeconds:0.###} s";
}
