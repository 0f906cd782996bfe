using Bunit;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.RegisteringEnvironment;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class InventoryFormsTests : InventoryPageTest
{
    private readonly InventoryScenarios.CoreAndEdge _world;

    public InventoryFormsTests()
    {
        _world = InventoryScenarios.WithCoreAndEdge(Inventory);
        SignInAsAdministrator();
    }

    [Fact]
    public void EditTrustDomain_WhenNameTaken_ShowsServerErrorUnderNameAndKeepsInput()
    {
        Navigation.NavigateTo($"/inventory/trust-domains/{_world.Signalling.Id}/edit");
        Commands.RefuseNextWith(Refusal.ForFields(new Dictionary<string, string[]>
        {
            ["Name"] = ["Another trust domain already has this name."],
        }));
        var cut = Render<TrustDomainEdit>(p => p.Add(x => x.Id, _world.Signalling.Id));
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]").GetAttribute("value").ShouldBe("Signalling"));

        cut.Find("input[data-testid=name]").Change("Subscriber Data");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => FieldText(cut, "name").ShouldContain("Another trust domain already has this name."));
        cut.Find("input[data-testid=name]").GetAttribute("value").ShouldBe("Subscriber Data");
        Commands.Received.ShouldHaveSingleItem().Command.ShouldBe(
            new ChangeTrustDomain(_world.Signalling.Id, 1, "Subscriber Data", "Core Network Ops", ""));
        Inventory.TrustDomain(_world.Signalling.Id).Name.ShouldBe("Signalling");
        Navigation.Uri.ShouldEndWith($"/inventory/trust-domains/{_world.Signalling.Id}/edit");

        // Changing the field clears the server's message for it.
        cut.Find("input[data-testid=name]").Change("Signalling Plane");
        cut.WaitForAssertion(() => FieldText(cut, "name").ShouldNotContain("already has this name"));
    }

    [Fact]
    public async Task RegisterEnvironment_WhenAccepted_NavigatesToEnvironmentsAndConfirms()
    {
        Navigation.NavigateTo("/inventory/environments/new");
        var cut = Render<EnvironmentEdit>();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]"));

        cut.Find("input[data-testid=name]").Change("Berlin Edge 1");
        cut.Find("input[data-testid=location]").Change("Berlin");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<EnvironmentKind?>>().Instance.SelectOption((EnvironmentKind?)EnvironmentKind.EdgeSite));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<TrustLevel?>>().Instance.SelectOption((TrustLevel?)TrustLevel.Medium));
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Navigation.Uri.ShouldEndWith("/inventory/environments"));
        var environment = Inventory.Environments.Single(e => e.Name == "Berlin Edge 1");
        environment.Kind.ShouldBe(EnvironmentKind.EdgeSite);
        environment.TrustLevel.ShouldBe(TrustLevel.Medium);
        environment.Location.ShouldBe("Berlin");
        Snackbar.ShownSnackbars.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task RegisterEnvironment_WithOperatingDomain_SendsItAndStoresIt()
    {
        var cut = Render<EnvironmentEdit>();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]"));

        cut.Find("input[data-testid=name]").Change("Berlin Edge 1");
        cut.Find("input[data-testid=location]").Change("Berlin");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<EnvironmentKind?>>().Instance.SelectOption((EnvironmentKind?)EnvironmentKind.EdgeSite));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<TrustLevel?>>().Instance.SelectOption((TrustLevel?)TrustLevel.Medium));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<Guid?>>().Instance.SelectOption((Guid?)_world.SubscriberData.Id));
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Navigation.Uri.ShouldEndWith("/inventory/environments"));
        Commands.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<RegisterEnvironment>()
            .OperatorDomainId.ShouldBe(_world.SubscriberData.Id);
        Inventory.Environments.Single(e => e.Name == "Berlin Edge 1").OperatorDomainId.ShouldBe(_world.SubscriberData.Id);
    }

    [Fact]
    public async Task EditEnvironment_WhenOperatingDomainChanged_SendsTheNewDomain()
    {
        var cut = Render<EnvironmentEdit>(p => p.Add(x => x.Id, _world.CoreDc.Id));
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]").GetAttribute("value").ShouldBe("Frankfurt Core DC"));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<Guid?>>().Instance.SelectOption((Guid?)_world.SubscriberData.Id));
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Navigation.Uri.ShouldEndWith("/inventory/environments"));
        Commands.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<ChangeEnvironment>()
            .OperatorDomainId.ShouldBe(_world.SubscriberData.Id);
        Inventory.Environments.Single(e => e.Id == _world.CoreDc.Id).OperatorDomainId.ShouldBe(_world.SubscriberData.Id);
    }

    [Fact]
    public void EditEnvironment_WhenSavedUntouched_KeepsTheOperatingDomain()
    {
        var cut = Render<EnvironmentEdit>(p => p.Add(x => x.Id, _world.CoreDc.Id));
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]").GetAttribute("value").ShouldBe("Frankfurt Core DC"));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Navigation.Uri.ShouldEndWith("/inventory/environments"));
        Commands.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<ChangeEnvironment>()
            .OperatorDomainId.ShouldBe(_world.Signalling.Id);
    }

    [Fact]
    public async Task RegisterEnvironment_WhenForbidden_ShowsServerMessage()
    {
        Commands.RefuseNextWith(Refusal.Because("Only an administrator may change the inventory.", RefusalKind.Forbidden));
        var cut = Render<EnvironmentEdit>();
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]"));
        cut.Find("input[data-testid=name]").Change("Berlin Edge 1");
        cut.Find("input[data-testid=location]").Change("Berlin");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<EnvironmentKind?>>().Instance.SelectOption((EnvironmentKind?)EnvironmentKind.EdgeSite));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<TrustLevel?>>().Instance.SelectOption((TrustLevel?)TrustLevel.Medium));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=refusal]").TextContent.ShouldContain("Only an administrator may change the inventory."));
        Inventory.Environments.Count.ShouldBe(2);
    }

    [Fact]
    public void EditEnvironment_WhenIdUnknown_ShowsNotFound()
    {
        var cut = Render<EnvironmentEdit>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("No execution environment with this id"));
    }

    private static string FieldText<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"input[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;
}
