using Console.Workflows.Audit.Access;
using Console.Workflows.Policy;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads the policy's events, sign-ins and refused attempts; false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadPolicyOrAccessEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case PolicyRevised e:
                row.By(e.By, null, e.At);
                row.Summary = e.Revision == 1 ? "Approval policy revision 1 (the initial policy) in force." : $"Approval policy revision {e.Revision} in force.";
                row.Details = e.Reason;
                break;

            case SignedIn e:
                row.By(e.UserId, e.DisplayName, e.At);
                row.Summary = $"Signed in through {e.Provider} as {(e.Roles.Count == 0 ? "no role" : string.Join(", ", e.Roles))}"
                    + (string.IsNullOrWhiteSpace(e.RemoteAddress) ? "." : $" from {e.RemoteAddress}.");
                break;

            case AccessRefused e:
                row.By(e.UserId, e.DisplayName, e.At);
                foreach (var (kind, id) in AccessResources.Parse(e.Resource))
                {
                    switch (kind)
                    {
                        case "request": row.Concerning(book.Find(id, HistorySubjectKind.Request), id); break;
                        case "vnf": row.ConcerningVnf(book, id); break;
                        case "environment": row.ConcerningEnvironment(book, id); break;
                        case "trust-domain": row.Domains.Add(id); break;
                    }
                }

                // HTTP refusals name the path in the operation already ("GET /history").
                row.Summary = (e.Operation.Contains(e.Resource, StringComparison.Ordinal)
                    ? $"Refused {e.Operation}: {e.Reason}"
                    : $"Refused {e.Operation} on {e.Resource}: {e.Reason}")
                    + (e.RepeatsBefore > 0 ? $" (tried {e.RepeatsBefore} more time(s) since the previous record)" : "")
                    + (e.SuppressedBefore > 0 ? $" ({e.SuppressedBefore} other refused attempt(s) of this person not recorded one by one before this)" : "")
                    + (e.CapReached ? " Too many refused attempts in one minute: further ones in this minute are only counted." : "");
                row.Details = e.Reason;
                break;

            default:
                return false;
        }

        return true;
    }
}
