using Console.Workflows.Requests.Submitting;
using MudBlazor;

namespace Console.Web.Components.Shared.Requests;

/// <summary>The reasons the request pages and the inbox ask for; each goes into the request's journal.</summary>
public static class RequestQuestions
{
    public static readonly ReasonQuestion Reject = new(
        "reject", "Reject request", "Reject", Color.Error, "Keep it", "reject-cancel", "Give a reason for the rejection.",
        RequestLimits.ReasonMaxLength)
    {
        Note = "Any rejection rejects the whole request. Say why, so the requester knows what to change.",
        Lines = 3,
        Counter = true,
    };

    public static readonly ReasonQuestion Cancel = new(
        "cancel", "Cancel request", "Cancel request", Color.Warning, "Keep the request", "cancel-keep",
        "Say why the request is no longer needed.", RequestLimits.ReasonMaxLength);

    public static readonly ReasonQuestion Retry = new(
        "retry", "Retry execution", "Retry execution", Color.Primary, "Do not retry", "retry-keep",
        "Say why it should run again (what was fixed, or why the failure will not recur).", RequestLimits.ReasonMaxLength)
    {
        Label = "Why run it again?",
    };
}
