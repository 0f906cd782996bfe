using Bunit;
using Console.Web.Components.Shared;
using Console.Workflows.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Shared;

public sealed class PageCommandTests : BunitContext
{
    private int _reloads;

    public PageCommandTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private PageCommand NewCommand() => new(Services.GetRequiredService<ISnackbar>(), NullLogger.Instance);

    private Task Reload()
    {
        _reloads++;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RunAsync_WhenDone_NotesItClearsTheLastMessageAndReloads()
    {
        var command = NewCommand();
        command.Message = new ActionMessage("old", false);

        var done = await command.RunAsync(() => Task.FromResult(Outcome.Done(Guid.NewGuid())), "Snapshot pinned.",
            PageCommand.Explain("the snapshot"), Reload, "snapshot");

        done.ShouldBeTrue();
        command.Message.ShouldBeNull();
        Services.GetRequiredService<ISnackbar>().ShownSnackbars.ShouldHaveSingleItem().Message.ShouldBe("Snapshot pinned.");
        _reloads.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_WhenALostRace_SaysWhatWasReloadedAsAWarning()
    {
        var command = NewCommand();

        var done = await command.RunAsync(
            () => Task.FromResult(Outcome.Refused(Refusal.Because("Someone else acted on it first.", RefusalKind.Conflict))), "Done.",
            PageCommand.Explain("the request"), Reload, "request");

        done.ShouldBeFalse();
        command.Message.ShouldBe(new ActionMessage(
            "Someone else acted first; the request has been reloaded. Check it and act again if it is still needed.", Conflict: true));
        _reloads.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_WhenAConflictIsNoLostRace_KeepsTheRefusalsOwnWords()
    {
        var command = NewCommand();

        await command.RunAsync(
            () => Task.FromResult(Outcome.Refused(Refusal.Because("This snapshot is not pinned.", RefusalKind.Conflict))), "Done.",
            PageCommand.Explain("the snapshot", r => r.Message == "lost"), Reload, "snapshot");

        command.Message.ShouldBe(new ActionMessage("This snapshot is not pinned.", Conflict: true));
    }

    [Fact]
    public async Task RunAsync_WhenFieldsAreRefused_JoinsTheirMessagesAsAnError()
    {
        var command = NewCommand();
        var refusal = Refusal.ForFields(new Dictionary<string, string[]> { ["Reason"] = ["Say why."], ["Until"] = ["Choose a time in the future."] });

        await command.RunAsync(() => Task.FromResult(Outcome.Refused(refusal)), "Done.", PageCommand.Explain("the snapshot"), Reload, "snapshot");

        command.Message.ShouldBe(new ActionMessage("Say why. Choose a time in the future.", Conflict: false));
    }

    [Fact]
    public async Task RunAsync_WhenTheServerFails_SaysWhatToDoAndIsReadyAgain()
    {
        var command = NewCommand();

        var done = await command.RunAsync(() => throw new InvalidOperationException("database gone"), "Done.",
            PageCommand.Explain("the snapshot"), Reload, "snapshot");

        done.ShouldBeFalse();
        command.Message.ShouldBe(new ActionMessage(PageCommand.ServerProblem, Conflict: false));
        command.Running.ShouldBeFalse();
        _reloads.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_WhileACommandRuns_RefusesASecondOne()
    {
        var command = NewCommand();
        var release = new TaskCompletionSource<Outcome>();
        var first = command.RunAsync(() => release.Task, "First.", PageCommand.Explain("it"), Reload, "it");
        var secondRan = false;

        var second = await command.RunAsync(() => { secondRan = true; return Task.FromResult(Outcome.Done(Guid.NewGuid())); },
            "Second.", PageCommand.Explain("it"), Reload, "it");
        command.Running.ShouldBeTrue();
        release.SetResult(Outcome.Done(Guid.NewGuid()));
        (await first).ShouldBeTrue();

        second.ShouldBeFalse();
        secondRan.ShouldBeFalse();
        command.Running.ShouldBeFalse();
    }
}
