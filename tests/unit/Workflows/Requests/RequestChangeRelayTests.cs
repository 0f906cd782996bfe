using Console.Workflows.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests;

/// <summary>What a node does with a notification another node (or anyone connected to the database) sent.</summary>
public sealed class RequestChangeRelayTests : IDisposable
{
    private readonly RequestNotifications _notifications = new(NullLogger<RequestNotifications>.Instance);
    private readonly List<Guid> _raised = [];
    private readonly RequestChangeRelay _relay;

    public RequestChangeRelayTests()
    {
        _notifications.RequestChanged += _raised.Add;
        _relay = new RequestChangeRelay(new ServiceCollection().BuildServiceProvider(), _notifications, NullLogger<RequestChangeRelay>.Instance);
    }

    public void Dispose() => _relay.Dispose();

    [Fact]
    public void Receive_AnotherNodesChanges_RaisesEachRequestHere()
    {
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid()];

        _relay.Receive(RequestChangeRelay.PayloadFor("other-node", ids));

        _raised.ShouldBe(ids);
    }

    [Fact]
    public void Receive_ThisNodesOwnChanges_RaisesNothingAgain()
    {
        _relay.Receive(RequestChangeRelay.PayloadFor(_relay.NodeId, [Guid.NewGuid()]));

        _raised.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("no separator")]
    [InlineData("node|not-a-guid,'; drop table x;--")]
    [InlineData("node|{00000000-0000-0000-0000-000000000001}")]
    public void Receive_MalformedPayload_RaisesNothing(string payload)
    {
        _relay.Receive(payload);

        _raised.ShouldBeEmpty();
    }
}
