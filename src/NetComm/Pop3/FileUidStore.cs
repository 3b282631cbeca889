using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using NetComm.Pop3.Internal;

namespace NetComm.Pop3;

/// <summary>
/// The default <see cref="IUidStore"/>: an append-only text file, one line per message handed over
/// (<c>uid first-seen-unix-ms</c>), each line written and fsynced before <see cref="IUidStoreSession.Record"/> returns.
/// </summary>
/// <remarks>
/// <para><b>Crashes.</b> A crash can only cut the last line short; the next open drops a line without its end, so
/// that message counts as not handed over and is handed over again (at least once, never lost). Pruning writes the
/// kept ids to <c>path.tmp</c>, fsyncs it and renames it over the file, so a crash leaves the old list or the new one.
/// What the machine's power loss right after the file was first created does to its directory entry is up to the
/// file system (the directory is not fsynced); then the next sync hands everything over again.</para>
/// <para><b>One sync at a time.</b> <see cref="Open"/> takes an exclusive lock on <c>path.lock</c>, held until the
/// session is disposed; a second open, from this process or another, throws <see cref="UidStoreLockedException"/>.
/// The operating system releases the lock when a process dies, so a crash never leaves the store locked.</para>
/// </remarks>
public sealed class FileUidStore : IUidStore
{
    /// <summary>The first line of every store file: names the format, so a wrong path is refused, not overwritten.</summary>
    internal const string Header = "NetComm UID store 1";

    private readonly UidStoreFileSystem _fileSystem;

    /// <summary>Creates a store kept in <paramref name="path"/> (created, with its directory, on first use).</summary>
    /// <param name="path">The file; <c>path.lock</c> and, while pruning, <c>path.tmp</c> sit beside it.</param>
    public FileUidStore(string path)
        : this(path, UidStoreFileSystem.Default)
    {
    }

    internal FileUidStore(string path, UidStoreFileSystem fileSystem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _fileSystem = fileSystem;
    }

    /// <summary>The store's file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The file is not a UID store, or a line before the last is damaged.</exception>
    public IUidStoreSession Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var lockFile = Lock();
        try
        {
            return new Session(this, lockFile);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Path;

    private FileStream Lock()
    {
        var lockPath = Path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
        {
            throw new UidStoreLockedException($"The UID store {Path} is open for another sync ({lockPath} is locked).", e);
        }
    }

    private static string Line(string uid, DateTimeOffset firstSeen)
        => string.Create(CultureInfo.InvariantCulture, $"{uid} {firstSeen.ToUnixTimeMilliseconds()}\n");

    /// <summary>
    /// RFC 1939 section 7: a unique id is 1 to 70 characters from 0x21 to 0x7E. Up to 255 are taken, as the client's
    /// UIDL parser takes them, so that a server a little over the limit can still be synced.
    /// </summary>
    private static void CheckUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (uid.Length is 0 or > 255 || uid.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw new ArgumentException($"\"{uid}\" is not a POP3 unique id (1 to 255 characters from 0x21 to 0x7E).", nameof(uid));
        }
    }

    private sealed class Session : IUidStoreSession
    {
        private readonly FileUidStore _store;
        private readonly FileStream _lock;
        private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
        private FileStream _log;

        public Session(FileUidStore store, FileStream lockFile)
        {
            _store = store;
            _lock = lockFile;

            // A crash while pruning left the kept list unfinished or unrenamed: the file itself is still whole.
            File.Delete(TempPath);
            if (!File.Exists(store.Path))
            {
                Replace([]);
            }

            _log = OpenLog();
            try
            {
                var whole = Load();
                if (whole < _log.Length)
                {
                    // The last line was cut short by a crash: its message was never acknowledged. Cut it off, so the
                    // next line starts on a line of its own.
                    _log.SetLength(whole);
                    store._fileSystem.Flush(_log);
                }

                _log.Seek(0, SeekOrigin.End);
            }
            catch
            {
                _log.Dispose();
                throw;
            }
        }

        public IReadOnlyDictionary<string, DateTimeOffset> Seen => _seen;

        private string TempPath => _store.Path + ".tmp";

        public void Record(string uid, DateTimeOffset firstSeen)
        {
            CheckUid(uid);
            if (_seen.ContainsKey(uid))
            {
                return;
            }

            _store._fileSystem.Write(_log, Encoding.ASCII.GetBytes(Line(uid, firstSeen)));
            _store._fileSystem.Flush(_log);
            _seen[uid] = firstSeen;
        }

        public void Retain(IReadOnlyCollection<string> uids)
        {
            ArgumentNullException.ThrowIfNull(uids);
            var keep = new HashSet<string>(uids, StringComparer.Ordinal);
            var kept = new List<KeyValuePair<string, DateTimeOffset>>();
            foreach (var entry in _seen)
            {
                if (keep.Contains(entry.Key))
                {
                    kept.Add(entry);
                }
            }

            if (kept.Count == _seen.Count)
            {
                return;
            }

            _log.Dispose();
            Replace(kept);
            _log = OpenLog();
            _log.Seek(0, SeekOrigin.End);
            _seen.Clear();
            foreach (var entry in kept)
            {
                _seen[entry.Key] = entry.Value;
            }
        }

        public void Dispose()
        {
            // Only handles are closed here: everything recorded was already durable, and nothing is written on the way out.
            _log.Dispose();
            _lock.Dispose();
        }

        /// <summary>
        /// Unbuffered: a line goes to the operating system in the write call, so a crash of the process after it cannot
        /// lose it, and closing the file after a failure cannot write what the failure interrupted.
        /// </summary>
        private FileStream OpenLog() => new(_store.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);

        /// <summary>Writes the whole list to the temp file, fsyncs it and renames it over the store: all or nothing.</summary>
        private void Replace(IEnumerable<KeyValuePair<string, DateTimeOffset>> entries)
        {
            var text = new StringBuilder(Header).Append('\n');
            foreach (var entry in entries)
            {
                text.Append(Line(entry.Key, entry.Value));
            }

            using (var temp = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                _store._fileSystem.Write(temp, Encoding.ASCII.GetBytes(text.ToString()));
                _store._fileSystem.Flush(temp);
            }

            _store._fileSystem.Move(TempPath, _store.Path);
        }

        /// <summary>Reads every whole line into <see cref="_seen"/>; returns where the whole lines end.</summary>
        private long Load()
        {
            var bytes = new byte[_log.Length];
            _log.ReadExactly(bytes);
            var text = Encoding.ASCII.GetString(bytes);
            var end = text.LastIndexOf('\n') + 1;
            var lines = text[..end].Split('\n');
            if (lines[0] != Header)
            {
                throw new InvalidDataException($"{_store.Path} is not a NetComm UID store (its first line is not \"{Header}\").");
            }

            for (var i = 1; i < lines.Length - 1; i++)
            {
                var parts = lines[i].Split(' ');
                if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    throw new InvalidDataException($"{_store.Path} line {i + 1} is damaged: \"{lines[i]}\". Only a crash can cut the last line short; this one was changed by something else.");
                }

                _seen.TryAdd(parts[0], DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }

            return end;
        }
    }
}
