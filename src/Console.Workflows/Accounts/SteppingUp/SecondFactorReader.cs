using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>What the profile page shows of the person's own second factor; never the secret or the codes.</summary>
public sealed record SecondFactorView(bool HasBuiltInAccount, SecondFactorStatus? Status, int RecoveryCodesLeft, DateTimeOffset? ChangedAt)
{
    public bool IsEnrolled => Status == SecondFactorStatus.Enrolled;

    /// <summary>The factor stream's version, which a reset names (what the administrator saw).</summary>
    public int Version { get; init; }

    /// <summary>Whether an administrator could reset it: an authenticator enrolled or its enrolment begun.</summary>
    public bool CanBeReset => Status is SecondFactorStatus.Enrolled or SecondFactorStatus.Pending;

    /// <summary>Until when wrong guesses lock the authenticator's codes (<see cref="StepUpRules.LockedUntil"/>); null: not locked.</summary>
    public DateTimeOffset? CodesLockedUntil { get; init; }

    internal static SecondFactorView Of(SecondFactor? factor, DateTimeOffset now) =>
        new(true, factor?.Status, factor?.RecoveryCodeHashes.Count ?? 0, factor?.ChangedAt)
        {
            Version = factor?.Version ?? 0,
            CodesLockedUntil = factor is null ? null : StepUpRules.LockedUntil(factor, now),
        };
}

public interface ISecondFactorReader
{
    Task<SecondFactorView> ForAsync(Actor actor, CancellationToken ct = default);

    /// <summary>Every built-in account's factor by user name (for the administrators' user list); none for those without one.</summary>
    Task<IReadOnlyDictionary<string, SecondFactorView>> ByUserNameAsync(CancellationToken ct = default);
}

internal sealed class MartenSecondFactorReader(IDocumentStore store, TimeProvider time) : ISecondFactorReader
{
    public async Task<SecondFactorView> ForAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var session = store.QuerySession();
        if (await session.LoadAsync<UserAccount>(UserAccount.IdFor(actor.UserId), ct) is not { } account)
            return new SecondFactorView(false, null, 0, null);
        return SecondFactorView.Of(await session.LoadAsync<SecondFactor>(SecondFactor.IdFor(account.UserName), ct), time.GetUtcNow());
    }

    public async Task<IReadOnlyDictionary<string, SecondFactorView>> ByUserNameAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        // One per built-in account at most: the list is as long as the user list the page shows anyway.
        var factors = await session.Query<SecondFactor>().ToListAsync(ct);
        var now = time.GetUtcNow();
        return factors.ToDictionary(f => f.UserName, f => SecondFactorView.Of(f, now), StringComparer.Ordinal);
    }
}
