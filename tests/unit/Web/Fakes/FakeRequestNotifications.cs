using Console.Workflows.Requests;

namespace Console.UnitTests.Web.Fakes;

/// <summary>Lets a test announce a committed change, as the workflow runtime does, and see who listens.</summary>
public sealed class FakeRequestNotifications : IRequestNotifications
{
    private Action<Guid>? _handlers;

    public event Action<Guid>? RequestChanged
    {
        add => _handlers += value;
        remove => _handlers -= value;
    }

    public int Subscribers => _handlers?.GetInvocationList().Length ?? 0;

    public void Raise(Guid requestId) => _handlers?.Invoke(requestId);
}
