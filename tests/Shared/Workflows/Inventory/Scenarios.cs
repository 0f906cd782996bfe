using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Testing.Workflows.Inventory;

/// <summary>People, moments and inventory items the inventory tests share.</summary>
internal static class Scenarios
{
    public static readonly DateTimeOffset Now = new(2025, 11, 3, 9, 30, 0, TimeSpan.Zero);

    public static readonly Actor Administrator = new("admin-1", "Ada Admin", new HashSet<string> { Roles.Administrator });

    public static readonly Actor Operator = new("noc-7", "Olaf Operator", new HashSet<string> { Roles.NocOperator, Roles.NocApprover });

    public static readonly Guid CoreDomainId = Guid.Parse("0b0e7a4e-0000-4000-8000-000000000001");
    public static readonly Guid SubscriberDomainId = Guid.Parse("0b0e7a4e-0000-4000-8000-000000000002");
    public static readonly Guid HighEnvironmentId = Guid.Parse("e0000000-0000-4000-8000-000000000001");
    public static readonly Guid EdgeEnvironmentId = Guid.Parse("e0000000-0000-4000-8000-000000000002");
    public static readonly Guid VnfId = Guid.Parse("f0000000-0000-4000-8000-000000000001");
    public static readonly Guid N2Id = Guid.Parse("c0000000-0000-4000-8000-000000000001");
    public static readonly Guid ContextStoreId = Guid.Parse("c0000000-0000-4000-8000-000000000002");

    public static TrustDomain CoreDomainAtVersion1 =>
        new(CoreDomainId, "Operator Core", "noc-core", "Control plane") { Version = 1 };

    public static ExecutionEnvironment HighEnvironmentAtVersion2 =>
        new(HighEnvironmentId, "Frankfurt Core DC A", EnvironmentKind.CoreDataCentre, "Frankfurt", TrustLevel.High,
            AttestationStatus.Attested, Now.AddDays(-1)) { Version = 2 };

    /// <summary>amf-fra-01 in the high-trust environment with two components, at stream version 3.</summary>
    public static Vnf AmfAtVersion3 =>
        new(VnfId, "amf-fra-01", VnfType.AMF, "Ericsson", "1.14.2", HighEnvironmentId,
        [
            new VnfComponent(N2Id, "n2-termination", Sensitivity.Internal, CoreDomainId),
            new VnfComponent(ContextStoreId, "ue-context-store", Sensitivity.Sensitive, SubscriberDomainId),
        ]) { Version = 3 };

    public static VnfReferences KnownReferences(bool nameTaken = false) =>
        new(nameTaken, new HashSet<Guid> { HighEnvironmentId, EdgeEnvironmentId }, new HashSet<Guid> { CoreDomainId, SubscriberDomainId });

    /// <summary>A deterministic id source: 00000000-...-0001, -0002, ...</summary>
    public static Func<Guid> SequentialIds()
    {
        var next = 0;
        return () => new Guid(0, 0, 0, [0, 0, 0, 0, 0, 0, 0, (byte)++next]);
    }
}
