using System.Diagnostics;

namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>Time spent per section of the chain writer's steps, summed over its steps: where appending spends its time.</summary>
internal sealed class StepSections
{
    private readonly List<(string Section, TimeSpan Spent)> _spent = [];
    private long _mark;

    public IReadOnlyList<(string Section, TimeSpan Spent)> Spent => _spent;

    public void Start() => _mark = Stopwatch.GetTimestamp();

    /// <summary>The time since the last mark goes to <paramref name="section"/>.</summary>
    public void End(string section)
    {
        var now = Stopwatch.GetTimestamp();
        var spent = Stopwatch.GetElapsedTime(_mark, now);
        _mark = now;
        var at = _spent.FindIndex(s => s.Section == section);
        if (at < 0)
            _spent.Add((section, spent));
        else
            _spent[at] = (section, _spent[at].Spent + spent);
    }
}
