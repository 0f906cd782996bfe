using Console.Workflows.Common;
using Console.Workflows.Requests;
using JasperFx.Events;
using Marten;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>
/// Verifies a step-up proof inside the approve and reject handlers, whatever page or API route the command came
/// through: people with a built-in account prove it with their enrolled factor; people without one (Microsoft Entra ID)
/// with the age of their sign-in. The factor's stream is read for writing, so two decisions racing with one code
/// cannot both commit (the second loses the optimistic check), and two wrong codes at once are both counted or one
/// is refused as a conflict.
/// </summary>
public sealed class StepUpCheck(SecondFactorSecrets secrets, StepUpOptions options)
{
    public async Task<StepUpResult> VerifyAsync(
        IDocumentSession session, ChangeRequest request, Actor actor, string? code, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (StepUpRules.Why(request) is null)
            return new StepUpResult(StepUpVerdict.Accept(ApproverAuthentication.None), null);

        var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(actor.UserId), ct);
        if (account is null)
            return new StepUpResult(StepUpRules.WithFreshSignIn(actor, options.MaxSignInAge, now), null);

        var stream = await session.Events.FetchForWriting<SecondFactor>(SecondFactor.IdFor(account.UserName), ct);
        byte[]? secret = null;
        if (stream.Aggregate is { IsEnrolled: true } factor && TotpCodes.LooksLikeCode(code))
            secret = secrets.Unprotect(await session.LoadAsync<SecondFactorSecret>(factor.Id, ct));
        var verdict = StepUpRules.WithSecondFactor(stream.Aggregate, secret, code, $"request/{request.Id}", actor, now);
        // A wrong code is counted whatever the decision: it commits with the refusal (the handler's transaction).
        SecondFactorLockouts.Record(session, stream, verdict);
        return new StepUpResult(verdict, stream);
    }
}

/// <summary>A verified (or refused) proof, and the factor stream its use is appended to once the decision stands.</summary>
public sealed record StepUpResult(StepUpVerdict Verdict, IEventStream<SecondFactor>? Stream)
{
    /// <summary>Uses the proof up (the code's time step, the recovery code) in the decision's transaction.</summary>
    public void UseUp()
    {
        if (Stream is not null && Verdict.Events.Count > 0)
            Stream.AppendMany(Verdict.Events);
    }
}
