namespace Console.Workflows.Audit.Access;

/// <summary>
/// Keeps a person who hammers forbidden pages or commands from flooding the event store, whatever they vary. Two
/// bounds, both per person: the same refusal (same operation and resource) is recorded at most once per window, and
/// at most <see cref="MaxRecordsPerPerson"/> refusals of one person are recorded per window whatever the path; the
/// next one becomes a single summary record and the rest of that window is only counted. Nothing is lost silently:
/// the next record of the same refusal carries its repeats (<see cref="AccessRefused.RepeatsBefore"/>) and the
/// person's next record carries the count of everything suppressed by the cap
/// (<see cref="AccessRefused.SuppressedBefore"/>). Memory is bounded too: per person only the refusals recorded in the
/// last two windows are remembered (a few times the cap), and at most <see cref="MaxPeople"/> people, the least recently
/// refused forgotten first (forgetting someone only means their next refusal is recorded again).
/// </summary>
public sealed class RefusalThrottle(TimeSpan window, int maxRecordsPerPerson = 20, int maxPeople = 10_000)
{
    private readonly Dictionary<string, Person> _people = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TimeSpan Window { get; } = window > TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window));

    public int MaxRecordsPerPerson { get; } = maxRecordsPerPerson > 0 ? maxRecordsPerPerson : throw new ArgumentOutOfRangeException(nameof(maxRecordsPerPerson));

    public int MaxPeople { get; } = maxPeople > 0 ? maxPeople : throw new ArgumentOutOfRangeException(nameof(maxPeople));

    /// <summary>How many people are remembered now (for tests of the memory bound).</summary>
    public int PeopleRemembered
    {
        get { lock (_gate) return _people.Count; }
    }

    /// <summary>How many distinct refusals of this person are remembered now.</summary>
    public int RefusalsRemembered(string userId)
    {
        lock (_gate) return _people.TryGetValue(userId, out var person) ? person.Recorded.Count : 0;
    }

    /// <summary>
    /// Whether this refusal is to be recorded now; if so, <paramref name="repeatsBefore"/> is the number of identical
    /// refusals since the last recorded one that were not recorded.
    /// </summary>
    public bool ShouldRecord(string userId, string operation, string resource, DateTimeOffset now, out int repeatsBefore)
    {
        var decision = Decide(userId, operation, resource, now);
        repeatsBefore = decision.RepeatsBefore;
        return decision.Kind != RefusalRecording.Suppress;
    }

    /// <summary>Whether and how this refusal is recorded (see the class summary).</summary>
    public RefusalDecision Decide(string userId, string operation, string resource, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_people.TryGetValue(userId, out var person))
            {
                if (_people.Count >= MaxPeople)
                    ForgetLeastRecent();
                person = new Person(now);
                _people[userId] = person;
            }

            person.LastSeen = now;
            if (now - person.WindowStart >= Window)
            {
                person.WindowStart = now;
                person.RecordedInWindow = 0;
                // Entries stay one more window so a repeat can still be counted on its own record; older ones are
                // forgotten, their uncounted repeats moving to the person's count so nothing goes unreported.
                foreach (var (stale, entry) in person.Recorded.Where(p => now - p.Value.RecordedAt >= 2 * Window).ToList())
                {
                    person.SuppressedByCap += entry.Suppressed;
                    person.Recorded.Remove(stale);
                }
            }

            var key = (operation, resource);
            if (person.Recorded.TryGetValue(key, out var same) && now - same.RecordedAt < Window)
            {
                person.Recorded[key] = same with { Suppressed = same.Suppressed + 1 };
                return new RefusalDecision(RefusalRecording.Suppress, 0, 0);
            }

            if (person.RecordedInWindow > MaxRecordsPerPerson)
            {
                person.SuppressedByCap++;
                return new RefusalDecision(RefusalRecording.Suppress, 0, 0);
            }

            var repeats = same?.Suppressed ?? 0;
            var suppressed = person.SuppressedByCap;
            person.SuppressedByCap = 0;
            person.RecordedInWindow++;
            if (person.RecordedInWindow > MaxRecordsPerPerson)
            {
                // The one summary of this window; what follows in it is counted on the person's next record.
                return new RefusalDecision(RefusalRecording.Summary, repeats, suppressed);
            }

            person.Recorded[key] = new Entry(now, 0);
            return new RefusalDecision(RefusalRecording.Record, repeats, suppressed);
        }
    }

    private void ForgetLeastRecent()
    {
        // Forget the least recently refused tenth at once, so eviction is not a scan per new person.
        var count = Math.Max(1, MaxPeople / 10);
        foreach (var userId in _people.OrderBy(p => p.Value.LastSeen).Take(count).Select(p => p.Key).ToList())
            _people.Remove(userId);
    }

    private sealed class Person(DateTimeOffset now)
    {
        public DateTimeOffset WindowStart { get; set; } = now;

        public DateTimeOffset LastSeen { get; set; } = now;

        public int RecordedInWindow { get; set; }

        public int SuppressedByCap { get; set; }

        public Dictionary<(string Operation, string Resource), Entry> Recorded { get; } = [];
    }

    private sealed record Entry(DateTimeOffset RecordedAt, int Suppressed);
}

public enum RefusalRecording
{
    /// <summary>Record the refusal as it is.</summary>
    Record,

    /// <summary>The person reached the cap for this window: record one summary saying the rest is only counted.</summary>
    Summary,

    /// <summary>Count it, record nothing now.</summary>
    Suppress,
}

/// <param name="RepeatsBefore">Identical refusals since the previous record of this one that were not recorded.</param>
/// <param name="SuppressedBefore">Refusals of this person the per-person cap kept out of the record since its last record.</param>
public sealed record RefusalDecision(RefusalRecording Kind, int RepeatsBefore, int SuppressedBefore);
