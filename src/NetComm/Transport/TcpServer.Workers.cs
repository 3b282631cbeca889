using System;
using System.Collections.Concurrent;
using System.Threading;

namespace NetComm.Transport;

public sealed partial class TcpServer
{
    private readonly ConcurrentStack<Worker> _idleWorkers = new();
    private int _threads;

    /// <summary>Runs just before a connection thread starts: lets tests make the start fail as a thread limit would.</summary>
    internal Action? ThreadStarting { get; set; }

    /// <summary>Takes a parked thread if one is waiting, else starts a new one.</summary>
    private Worker RentWorker()
    {
        while (_idleWorkers.TryPop(out var worker))
        {
            if (worker.TryClaim())
            {
                return worker;
            }
        }

        return new Worker(this);
    }

    private void RetireIdleWorkers()
    {
        while (_idleWorkers.TryPop(out var worker))
        {
            worker.Retire();
        }
    }

    /// <summary>
    /// One connection thread. Between clients it parks on its own semaphore; the accept thread claims
    /// it with a compare-and-swap so a worker that is timing out is never handed a connection.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never allocates a wait handle; it dies with the thread.")]
    private sealed class Worker
    {
        private const int Busy = 0, Idle = 1, Retired = 2;

        private readonly TcpServer _server;
        private readonly SemaphoreSlim _wake = new(0);
        private Thread? _thread;
        private TcpConnection? _connection;
        private int _state = Busy;

        public Worker(TcpServer server) => _server = server;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Busy, Idle) == Idle;

        public void Retire()
        {
            if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle)
            {
                _wake.Release();
            }
        }

        /// <summary>Runs <paramref name="connection"/> on this worker's thread; throws when a new thread cannot start.</summary>
        public void Serve(TcpConnection connection)
        {
            _connection = connection;
            if (_thread is not null)
            {
                _wake.Release();
                return;
            }

            var thread = new Thread(Run, _server._options.ThreadStackSize)
            {
                IsBackground = true,
                Name = $"NetComm {_server._options.Name} connection",
            };
            Interlocked.Increment(ref _server._threads);
            try
            {
                _server.ThreadStarting?.Invoke();
                thread.Start();
            }
            catch
            {
                // No thread: this worker never existed. The caller refuses the connection.
                Interlocked.Decrement(ref _server._threads);
                _connection = null;
                throw;
            }

            _thread = thread;
        }

        private void Run()
        {
            try
            {
                while (true)
                {
                    var connection = _connection!;
                    _connection = null;
                    _server.RunHandler(connection);
                    if (!Park())
                    {
                        return;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _server._threads);
            }
        }

        /// <summary>Waits for the next connection; false when the thread should exit.</summary>
        private bool Park()
        {
            if (_server._stopping.IsCancellationRequested)
            {
                return false;
            }

            Volatile.Write(ref _state, Idle);
            _server._idleWorkers.Push(this);
            if (_server._stopping.IsCancellationRequested)
            {
                // Stop may have drained the stack before our push: retire ourselves.
                Retire();
            }

            if (!_wake.Wait(_server._options.ThreadKeepAlive))
            {
                if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle)
                {
                    return false;
                }

                // Claimed at the last moment: the accept thread is about to wake us.
                _wake.Wait();
            }

            return Volatile.Read(ref _state) == Busy;
        }
    }
}
