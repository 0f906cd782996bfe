namespace Console.Workflows.Common;

/// <summary>
/// How busy this node is with people's commands: how many are being carried out right now, and when the last one
/// ended. Background work that competes for the same CPU (executions, see
/// <see cref="Requests.Executing.ExecutionShare"/>) reads it to give way while people wait for an answer.
/// Counted by <see cref="CommandBus"/> around every command whose person's account stands, whatever page or API route
/// issued it.
/// </summary>
public sealed class CommandPressure(TimeProvider time)
{
    private int _inFlight;
    private long _lastEnded;
    private long _counted;

    /// <summary>Commands being carried out on this node now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Commands counted on this node since it started.</summary>
    public long CommandsCounted => Interlocked.Read(ref _counted);

    /// <summary>Counts one command from now until the returned value is disposed.</summary>
    public Counted Enter()
    {
        Interlocked.Increment(ref _counted);
        Interlocked.Increment(ref _inFlight);
        return new Counted(this);
    }

    /// <summary>
    /// Whether people are waiting on this node: a command is being carried out, or one ended less than
    /// <paramref name="linger"/> ago (a person or a script issuing commands one after another leaves gaps that short).
    /// </summary>
    public bool IsBusy(TimeSpan linger) =>
        InFlight > 0 || (Volatile.Read(ref _lastEnded) is var ended and not 0 && time.GetElapsedTime(ended) < linger);

    private void Exit()
    {
        Volatile.Write(ref _lastEnded, time.GetTimestamp());
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>One counted command; disposing it ends the count.</summary>
    public readonly struct Counted(CommandPressure pressure) : IDisposable
    {
        public void Dispose() => pressure?.Exit();
    }
}
