using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Accounts.EnrollingSecondFactor;

/// <summary>
/// The person's own second factor, on its stream (read for writing, the version checked at commit): decide, then keep
/// the secret encrypted in its document (written with the events, in one transaction) or erase it on removal.
/// </summary>
public static class SecondFactorHandler
{
    internal const string ConflictMessage = "Your second factor changed at the same moment (another tab?). Reload your profile and try again.";

    internal const string RemovalUse = "second-factor removal";

    internal static string Resource(Actor actor) => "account/" + actor.UserId;

    public static async Task<Outcome> Handle(
        StartSecondFactorEnrolmentBy message, IDocumentSession session, SecondFactorSecrets secrets, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (account, stream) = await ReadAsync(session, message.Actor, ct);
        var decision = SecondFactorDecider.Start(message.Command, account, stream?.Aggregate, message.Actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        var started = decision.Events.OfType<SecondFactorEnrolmentStarted>().Single();
        session.Store(secrets.Protect(started.FactorId, started.UserName, TotpCodes.Decode(message.Command.Secret)!));
        stream!.AppendMany(decision.Events);
        return Outcome.Done(started.FactorId);
    }

    public static async Task<Outcome> Handle(
        ConfirmSecondFactorBy message, IDocumentSession session, SecondFactorSecrets secrets, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (account, stream) = await ReadAsync(session, message.Actor, ct);
        var secret = await SecretAsync(session, secrets, stream?.Aggregate, ct);
        var decision = SecondFactorDecider.Confirm(message.Command, account, stream?.Aggregate, secret, message.Actor, time.GetUtcNow());
        return Append(stream, decision);
    }

    public static async Task<Outcome> Handle(
        RemoveSecondFactorBy message, IDocumentSession session, SecondFactorSecrets secrets, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (account, stream) = await ReadAsync(session, message.Actor, ct);
        var secret = await SecretAsync(session, secrets, stream?.Aggregate, ct);
        var now = time.GetUtcNow();
        var proof = StepUpRules.WithSecondFactor(stream?.Aggregate, secret, message.Command.Code, RemovalUse, message.Actor, now);
        var decision = SecondFactorDecider.Remove(message.Command, account, stream?.Aggregate, proof, message.Actor, now);
        if (!decision.Refused)
            session.Delete<SecondFactorSecret>(stream!.Id);
        else
            SecondFactorLockouts.Record(session, stream, proof); // counted with the refusal, as at approval
        return Append(stream, decision);
    }

    private static async Task<(UserAccount? Account, JasperFx.Events.IEventStream<SecondFactor>? Stream)> ReadAsync(
        IDocumentSession session, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(actor.UserId), ct);
        if (account is null)
            return (null, null);
        return (account, await session.Events.FetchForWriting<SecondFactor>(SecondFactor.IdFor(account.UserName), ct));
    }

    private static async Task<byte[]?> SecretAsync(IDocumentSession session, SecondFactorSecrets secrets, SecondFactor? factor, CancellationToken ct) =>
        factor is null ? null : secrets.Unprotect(await session.LoadAsync<SecondFactorSecret>(factor.Id, ct));

    private static Outcome Append(JasperFx.Events.IEventStream<SecondFactor>? stream, Decision decision)
    {
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream!.AppendMany(decision.Events);
        return Outcome.Done(stream.Id);
    }
}
