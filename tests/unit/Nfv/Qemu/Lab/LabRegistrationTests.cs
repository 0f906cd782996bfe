using Console.Nfv.Qemu.Lab;
using Console.Nfv.Simulator;
using Console.Workflows.Nfv;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Nfv.Qemu.Lab;

public sealed class LabRegistrationTests
{
    private static IConfiguration With(string? choice) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LabRegistration.ChoiceKey] = choice }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("simulator")]
    public void AddNfvInfrastructure_WhenUnsetOrSimulator_RegistersTheSimulatorAsThePort(string? choice)
    {
        var services = new ServiceCollection().AddNfvInfrastructure(With(choice));

        services.Single(d => d.ServiceType == typeof(INfvInfrastructure)).ImplementationType.ShouldBe(typeof(SimulatedNfvInfrastructure));
        services.ShouldNotContain(d => d.ServiceType == typeof(LabFleet));
    }

    [Fact]
    public void AddNfvInfrastructure_WhenLab_RegistersTheLabAsThePort_WithTheSimulatorBesideIt()
    {
        var services = new ServiceCollection().AddNfvInfrastructure(With("Lab"));

        services.Single(d => d.ServiceType == typeof(INfvInfrastructure)).ImplementationType.ShouldBe(typeof(LabNfvInfrastructure));
        services.ShouldContain(d => d.ServiceType == typeof(SimulatedNfvInfrastructure));
        services.ShouldContain(d => d.ServiceType == typeof(LabFleet));
    }

    [Fact]
    public void AddNfvInfrastructure_WhenAnythingElse_IsRefusedByName()
    {
        var refused = Should.Throw<InvalidOperationException>(() => new ServiceCollection().AddNfvInfrastructure(With("OpenStack")));

        refused.Message.ShouldBe("Nfv:Infrastructure is 'OpenStack'; it must be Simulator (the default) or Lab.");
    }
}
