using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Continuity.Seeding;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Continuity.Tracking;

/// <summary>
/// At start-up, in the background: in a demo, enrols every environment nobody proposed as the two demo people
/// (<see cref="EnrolmentOptions"/>; nothing in production), establishes the
/// continuity of every VNF the console does not track yet from the instance the infrastructure runs, and declares
/// the demo trust relationships when the demo inventory is there. Every step is idempotent.
/// </summary>
internal sealed class ContinuityStartup(
    IDocumentStore store, INfvInfrastructure infrastructure, IContinuityService continuity, TimeProvider time,
    EnrolmentOptions enrolment, ILogger<ContinuityStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var enrolled = await DemoEnrolment.EnrolAllAsync(store, infrastructure, enrolment, time, stoppingToken);
            var established = await ContinuityEstablishment.EstablishAllAsync(store, continuity, stoppingToken);
            var declared = await TrustRelationshipSeed.EnsureDeclaredAsync(store, continuity, stoppingToken);
            if (enrolled + established + declared > 0)
                logger.LogInformation(
                    "Continuity start-up: {Enrolled} environment(s) enrolled by the demo people, {Established} VNF(s) established, {Declared} trust relationship(s) declared",
                    enrolled, established, declared);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Continuity start-up could not finish; it runs again at the next start, and executions establish what they need");
        }
    }
}
