using Console.Workflows.Common;

namespace Console.Workflows.Requests.Expiring;

/// <summary>The durable scheduled message sent at submission for <see cref="ChangeRequest.ExpiresAt"/>.</summary>
public sealed record ExpireRequest(Guid RequestId);

public static class ExpireRequestDecider
{
    public const string By = "system:timeout";

    /// <summary>Expires a request still waiting for approval once its time is up; otherwise nothing happens.</summary>
    public static Decision Decide(ChangeRequest state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status == RequestStatus.PendingApproval && now >= state.ExpiresAt
            ? Decision.Emit(new RequestExpired(state.Id, By, now))
            : Decision.Emit();
    }
}
