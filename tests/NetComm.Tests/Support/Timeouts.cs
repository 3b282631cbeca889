namespace NetComm.Tests.Support;

/// <summary>Bounds for every wait in the tests: generous, so a loaded 2-core machine does not fail them.</summary>
public static class Timeouts
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
}
