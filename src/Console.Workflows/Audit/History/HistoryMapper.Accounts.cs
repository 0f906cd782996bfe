using Console.Workflows.Accounts;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads a person's second-factor events (enrolment, use, removal) and the accounts' migration; false for anything else.</summary>
    private static bool ReadSecondFactorEvent(object data, Row row)
    {
        switch (data)
        {
            case LegacyAccountsMigrated e:
                row.By(e.By, null, e.At);
                row.Summary = $"Accounts became event streams: {e.Accounts} account(s) made from the database's console_user rows; such rows are not read again.";
                break;

            case SecondFactorEnrolmentStarted e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName} began enrolling an authenticator app (not in use until confirmed with a code).";
                break;

            case SecondFactorEnrolled e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName} confirmed an authenticator app as second factor and received {e.RecoveryCodeHashes.Count} recovery codes.";
                break;

            case SecondFactorCodeUsed e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName} proved a fresh authentication with an authenticator code for {e.UsedFor}.";
                break;

            case SecondFactorCodeRefused e:
                row.By(e.By, null, e.At);
                row.Summary = $"A wrong second-factor code was given for {e.UserName}'s account, for {e.UsedFor}; refused and counted.";
                break;

            case SecondFactorLockedOut e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName}'s authenticator codes were locked until {e.Until.UtcDateTime:HH:mm:ss} UTC after {e.WrongCodes} wrong codes (the last for {e.UsedFor}); security officers were alerted.";
                break;

            case SecondFactorReset e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName}'s second factor was reset by an administrator (approved by a security officer): {e.Reason}";
                row.Details = e.Reason;
                break;

            case RecoveryCodeUsed e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName} used a recovery code for {e.UsedFor}; {e.Remaining} left.";
                break;

            case SecondFactorRemoved e:
                row.By(e.By, null, e.At);
                row.Summary = $"{e.UserName} removed their authenticator app: {e.Reason}";
                row.Details = e.Reason;
                break;

            default:
                return false;
        }

        return true;
    }
}
