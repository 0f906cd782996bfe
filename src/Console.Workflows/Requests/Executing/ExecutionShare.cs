using Console.Workflows.Common;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// People first: while this node carries out people's commands (<see cref="CommandPressure"/>), at most
/// <see cref="RequestWorkflowOptions.ExecutionParallelismUnderLoad"/> executions work on this node's CPU and the
/// database at once; the others wait for a free place or for the commands to stop. When nobody is waiting, every
/// execution the queue hands out (<see cref="RequestWorkflowOptions.ExecutionParallelism"/>) runs freely.
/// An execution gives its place back while it waits on the infrastructure (<see cref="ExecutionTurn.OutsideAsync"/>),
/// so an operation of half a minute does not hold one. Executions never stop altogether: there is at least one place,
/// and a step that waited <see cref="LongestWait"/> goes on regardless, so a stream of approvals slows the backlog down
/// but never starves or deadlocks it; and an approval never waits for executions, which is the point.
/// </summary>
public sealed class ExecutionShare
{
    /// <summary>How often a waiting step looks again whether the commands stopped.</summary>
    internal static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The longest a step waits for a place. Places turn over in milliseconds; this bounds the wait should one ever be
    /// held across something that waits for another execution (none is known to), so executions cannot deadlock.
    /// </summary>
    internal static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest rest after a step. A step that held its place much longer than its CPU needs (waiting on something
    /// no wrapper gives the place back for, such as a quote asked during a re-attestation) would otherwise close the
    /// place for several times that wait; the crash campaign saw interrupted executions resume 47 and 69 s after their
    /// kills that way, with the simulator's quotes taking seconds.
    /// </summary>
    internal static readonly TimeSpan LongestRest = TimeSpan.FromMilliseconds(150);

    private readonly CommandPressure _pressure;
    private readonly TimeSpan _linger;
    private readonly double _duty;
    private readonly OldestFirstGate? _places;
    private readonly TimeProvider _time;
    private long _begun;

    public ExecutionShare(CommandPressure pressure, RequestWorkflowOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pressure);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _pressure = pressure;
        _time = time;
        _linger = options.CommandLinger;
        _duty = options.ExecutionDutyUnderLoad;
        // At least as many places as the queue hands out, all the time: nothing to share.
        if (options.ExecutionParallelismUnderLoad < options.ExecutionParallelism || _duty < 1)
            _places = new OldestFirstGate(options.ExecutionParallelismUnderLoad, time);
    }

    /// <summary>Places taken now (for tests).</summary>
    internal int Taken => _places?.Taken ?? 0;

    internal TimeProvider Time => _time;

    /// <summary>One execution's turn; take it before working, dispose it at the end.</summary>
    public ExecutionTurn Begin() => new(this, Interlocked.Increment(ref _begun));

    /// <summary>
    /// Waits until a step of the execution begun <paramref name="seniority"/>-th may run. Under load the oldest
    /// execution waiting goes first, so the executions under way finish one after another instead of all advancing a
    /// step at a time and none finishing. True when a place was taken (give it back with <see cref="Leave"/>).
    /// </summary>
    internal async ValueTask<bool> EnterAsync(long seniority, CancellationToken ct)
    {
        if (_places is null)
            return false;
        var since = _time.GetTimestamp();
        while (_pressure.IsBusy(_linger) && _time.GetElapsedTime(since) < LongestWait)
        {
            if (await _places.WaitAsync(seniority, Recheck, ct))
                return true;
        }

        return false;
    }

    /// <summary>
    /// Gives back a place held for <paramref name="held"/>: at once at a duty of 1, otherwise after a rest that keeps
    /// the place busy only <see cref="RequestWorkflowOptions.ExecutionDutyUnderLoad"/> of the time, and never longer than
    /// <see cref="LongestRest"/>.
    /// </summary>
    internal void Leave(TimeSpan held)
    {
        if (_places is not { } places)
            return;
        if (_duty >= 1)
        {
            places.Release();
            return;
        }

        var rest = held * ((1 - _duty) / _duty);
        _ = Task.Delay(rest < LongestRest ? rest : LongestRest, _time).ContinueWith(_ => places.Release(), TaskScheduler.Default);
    }
}

/// <summary>
/// One execution's claim on an <see cref="ExecutionShare"/>: taken before the execution works, given back while it
/// waits on the infrastructure and at its end. One execution's steps use it one after another, never at once.
/// </summary>
public sealed class ExecutionTurn(ExecutionShare share, long seniority) : IDisposable
{
    private bool _holding;
    private long _takenAt;

    /// <summary>Waits for the turn (at once when nobody is waiting for a command on this node).</summary>
    public async ValueTask TakeAsync(CancellationToken ct)
    {
        if (_holding)
            return;
        _holding = await share.EnterAsync(seniority, ct);
        _takenAt = share.Time.GetTimestamp();
    }

    /// <summary>
    /// Waits on the infrastructure without holding a place, then takes the turn again. When the wait throws, the turn
    /// stays given back: what follows a failure (recording it) is short.
    /// </summary>
    public async Task<T> OutsideAsync<T>(Func<Task<T>> wait, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(wait);
        Give();
        var result = await wait();
        await TakeAsync(ct);
        return result;
    }

    public void Dispose() => Give();

    private void Give()
    {
        if (_holding)
            share.Leave(share.Time.GetElapsedTime(_takenAt));
        _holding = false;
    }
}

/// <summary>
/// A counting gate that hands a freed place to the waiter with the smallest seniority, not to whoever asked first.
/// A waiter that gives up (timeout, cancellation) leaves the queue, or keeps the place it was handed meanwhile.
/// </summary>
internal sealed class OldestFirstGate(int places, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, TaskCompletionSource> _waiting = [];
    private readonly int _places = places;
    private int _free = places;

    public int Taken
    {
        get
        {
            lock (_lock)
                return _places - _free;
        }
    }

    public async ValueTask<bool> WaitAsync(long seniority, TimeSpan timeout, CancellationToken ct)
    {
        TaskCompletionSource handed;
        lock (_lock)
        {
            if (_free > 0)
            {
                _free--;
                return true;
            }

            handed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(seniority, handed);
        }

        try
        {
            await handed.Task.WaitAsync(timeout, time, ct);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                if (_waiting.Remove(seniority))
                {
                    if (e is OperationCanceledException)
                        throw;
                    return false;
                }
            }

            // Handed a place just as the wait ended: keep it, or pass it on when cancelled.
            if (e is OperationCanceledException)
            {
                Release();
                throw;
            }

            return true;
        }
    }

    public void Release()
    {
        TaskCompletionSource? next = null;
        lock (_lock)
        {
            if (_waiting.Count > 0)
            {
                var (seniority, waiter) = _waiting.First();
                _waiting.Remove(seniority);
                next = waiter;
            }
            else
            {
                _free++;
            }
        }

        next?.TrySetResult();
    }
}
