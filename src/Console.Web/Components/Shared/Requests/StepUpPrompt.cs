using Console.Web.Hosting;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Console.Web.Components.Shared.Requests;

/// <summary>What the person gave for step-up: go ahead (with the code, if one was asked for) or not.</summary>
public sealed record StepUpAnswer(bool Proceed, string? Code)
{
    public static StepUpAnswer NotNeeded { get; } = new(true, null);

    public static StepUpAnswer WentBack { get; } = new(false, null);
}

/// <summary>
/// The pages' side of step-up: when a request needs a fresh authentication (<see cref="StepUpRules.Why"/>), ask for the
/// code with <see cref="StepUpDialog"/>, or with Microsoft Entra ID send a person whose sign-in is too old through a
/// new one (prompt=login, max_age=0). The handler verifies either way; this only saves a refused round trip.
/// </summary>
public sealed class StepUpPrompt(IDialogService dialogs, NavigationManager navigation, ConsoleOptions console, StepUpOptions options, TimeProvider clock)
{
    public async Task<StepUpAnswer> AskAsync(string? why, string what, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (why is null)
            return StepUpAnswer.NotNeeded;
        var parameters = new DialogParameters<StepUpDialog> { { d => d.Why, why }, { d => d.What, what } };
        if (console.UseEntraId)
        {
            if (StepUpRules.WithFreshSignIn(actor, options.MaxSignInAge, clock.GetUtcNow()).Refusal is not { } stale)
                return StepUpAnswer.NotNeeded;
            var back = navigation.ToBaseRelativePath(navigation.Uri);
            parameters.Add(d => d.SignInAgainUrl, $"/account/signin?fresh=true&returnUrl={Uri.EscapeDataString("/" + back)}");
            parameters.Add(d => d.SignInNote, stale.Message);
        }

        var dialog = await dialogs.ShowAsync<StepUpDialog>("Confirm it is you", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: string code } ? new StepUpAnswer(true, code) : StepUpAnswer.WentBack;
    }
}
