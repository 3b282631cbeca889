namespace NetComm.Shared;

/// <summary>
/// Reads the servers that build/interop.sh started: artifacts/interop/interop.env (or the file named by
/// NETCOMM_INTEROP_ENV), overlaid with NETCOMM_INTEROP_* environment variables. Linked into the interop
/// tests and the benchmarks.
/// </summary>
internal static class InteropEnvFile
{
    public static Dictionary<string, string> Load()
    {
        var values = new Dictionary<string, string>();
        var file = Environment.GetEnvironmentVariable("NETCOMM_INTEROP_ENV") ?? DefaultPath();
        if (file is not null && File.Exists(file))
        {
            foreach (var line in File.ReadLines(file))
            {
                var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    values[text[..eq]] = text[(eq + 1)..].Trim('"', '\'');
                }
            }
        }

        foreach (var entry in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>())
        {
            if (entry.Key is string key && key.StartsWith("NETCOMM_INTEROP_", StringComparison.Ordinal) && entry.Value is string { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        return values;
    }

    private static string? DefaultPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetComm.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null ? null : Path.Combine(directory.FullName, "artifacts", "interop", "interop.env");
    }
}
