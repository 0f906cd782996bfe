using Bunit;
using Console.Web.Components.Pages.Inventory;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringVnf;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Inventory;

public sealed class VnfEditTests : InventoryPageTest
{
    private readonly InventoryScenarios.CoreAndEdge _world;

    public VnfEditTests()
    {
        _world = InventoryScenarios.WithCoreAndEdge(Inventory);
        SignInAsAdministrator();
    }

    [Fact]
    public async Task RegisterVnf_WhenServerRefuses_ShowsFieldErrorsAndDoesNotNavigate()
    {
        Navigation.NavigateTo("/inventory/vnfs/new");
        Commands.RefuseNextWith(Refusal.ForFields(new Dictionary<string, string[]>
        {
            ["Name"] = ["Another VNF already has this name."],
            ["Components[0].Name"] = ["Another component of this VNF has this name."],
            ["Components[0].Id"] = ["The component has no id; reload the form."],
        }));
        var cut = Render<VnfEdit>();
        await FillValidVnfAsync(cut);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => FieldText(cut, "name").ShouldContain("Another VNF already has this name."));
        FieldText(cut, "component-name").ShouldContain("Another component of this VNF has this name.");
        var alert = cut.Find("[data-testid=refusal]").TextContent;
        alert.ShouldContain("Some fields need attention.");
        alert.ShouldContain("The component has no id; reload the form.");
        Navigation.Uri.ShouldEndWith("/inventory/vnfs/new");
        Inventory.Vnfs.ShouldBeEmpty();
        Snackbar.ShownSnackbars.ShouldBeEmpty();
        var sent = Commands.Received.ShouldHaveSingleItem();
        sent.Actor.UserId.ShouldBe("ada.admin");
        sent.Command.ShouldBeOfType<RegisterVnf>().Name.ShouldBe("amf-99");
    }

    [Fact]
    public async Task RegisterVnf_WhenAccepted_NavigatesToTheNewVnfAndConfirms()
    {
        Navigation.NavigateTo("/inventory/vnfs/new");
        var cut = Render<VnfEdit>();
        await FillValidVnfAsync(cut);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Inventory.Vnfs.ShouldHaveSingleItem());
        var vnf = Inventory.Vnfs[0];
        vnf.Name.ShouldBe("amf-99");
        vnf.Type.ShouldBe(VnfType.AMF);
        vnf.EnvironmentId.ShouldBe(_world.CoreDc.Id);
        vnf.Components.ShouldHaveSingleItem().ShouldBe(
            new VnfComponent(vnf.Components[0].Id, "amf-sbi", Sensitivity.Sensitive, _world.Signalling.Id));
        Navigation.Uri.ShouldEndWith($"/inventory/vnfs/{vnf.Id}");
        (Snackbar.ShownSnackbars.ShouldHaveSingleItem().Message ?? "").ShouldContain("amf-99");
    }

    [Fact]
    public void RegisterVnf_WhenRequiredFieldsEmpty_ShowsMessagesAndSendsNothing()
    {
        var cut = Render<VnfEdit>();
        cut.WaitForAssertion(() => cut.Find("form"));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => FieldText(cut, "name").ShouldContain("Name is required."));
        FieldText(cut, "vendor").ShouldContain("Vendor is required.");
        FieldText(cut, "component-name").ShouldContain("Component name is required.");
        Commands.Received.ShouldBeEmpty();
    }

    [Fact]
    public void RegisterVnf_WhenAllComponentsRemoved_SaysOneIsNeeded()
    {
        var cut = Render<VnfEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=remove-component]"));

        cut.Find("[data-testid=remove-component]").Click();
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=components-error]").TextContent.ShouldContain("at least one component"));
        Commands.Received.ShouldBeEmpty();
    }

    [Fact]
    public void EditVnf_WhenSomeoneElseChangedIt_OffersReloadAndReloadShowsTheirChange()
    {
        var vnf = Inventory.AddVnf("amf-1", VnfType.AMF, _world.CoreDc, ("amf-sbi", Sensitivity.Sensitive, _world.Signalling));
        var cut = Render<VnfEdit>(p => p.Add(x => x.Id, vnf.Id));
        cut.WaitForAssertion(() => cut.Find("input[data-testid=vendor]").GetAttribute("value").ShouldBe("Nokia"));
        // Another administrator saves first.
        Inventory.Vnfs[0] = Inventory.Vnfs[0] with { Vendor = "Ericsson", Version = 2 };

        cut.Find("input[data-testid=software-version]").Change("24.1.0");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=refusal]").TextContent
            .ShouldContain("Someone else changed this item; reload to see their change"));
        Inventory.Vnfs[0].SoftwareVersion.ShouldBe("23.4.1");
        Commands.Received.ShouldHaveSingleItem().Command.ShouldBeOfType<ChangeVnf>().ExpectedVersion.ShouldBe(1);

        cut.Find("[data-testid=reload]").Click();

        cut.WaitForAssertion(() => cut.Find("input[data-testid=vendor]").GetAttribute("value").ShouldBe("Ericsson"));
        cut.FindAll("[data-testid=refusal]").ShouldBeEmpty();
    }

    [Fact]
    public void EditVnf_WhenIdUnknown_ShowsNotFound()
    {
        var cut = Render<VnfEdit>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("No VNF with this id"));
        cut.FindAll("form").ShouldBeEmpty();
    }

    [Fact]
    public async Task RegisterVnf_WhileSaving_DisablesSaveAndShowsProgress()
    {
        Commands.Gate = new TaskCompletionSource();
        var cut = Render<VnfEdit>();
        await FillValidVnfAsync(cut);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("button[data-testid=save]").HasAttribute("disabled").ShouldBeTrue());
        cut.Find("button[data-testid=save]").TextContent.ShouldContain("Saving");
        cut.FindAll("button[data-testid=save] .mud-progress-circular").ShouldNotBeEmpty();

        Commands.Gate.SetResult();
        cut.WaitForAssertion(() => Inventory.Vnfs.ShouldHaveSingleItem());
    }

    private async Task FillValidVnfAsync(IRenderedComponent<VnfEdit> cut)
    {
        cut.WaitForAssertion(() => cut.Find("input[data-testid=name]"));
        cut.Find("input[data-testid=name]").Change("amf-99");
        cut.Find("input[data-testid=vendor]").Change("Nokia");
        cut.Find("input[data-testid=software-version]").Change("23.4.1");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<VnfType?>>().Instance.SelectOption((VnfType?)VnfType.AMF));
        await cut.InvokeAsync(() => Select<Guid?>(cut, "Execution environment").SelectOption((Guid?)_world.CoreDc.Id));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<Sensitivity?>>().Instance.SelectOption((Sensitivity?)Sensitivity.Sensitive));
        await cut.InvokeAsync(() => Select<Guid?>(cut, "Trust domain").SelectOption((Guid?)_world.Signalling.Id));
        cut.Find("input[data-testid=component-name]").Change("amf-sbi");
    }

    private static MudSelect<T> Select<T>(IRenderedComponent<VnfEdit> cut, string label) =>
        cut.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label).Instance;

    /// <summary>The text of the input control holding the field, helper and error text included.</summary>
    private static string FieldText(IRenderedComponent<VnfEdit> cut, string testId) =>
        cut.Find($"input[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;
}
