using Console.Workflows.Audit.Access;
using Console.Workflows.Common;

namespace Console.Workflows.Requests;

/// <summary>A command on one request with the person who gave it.</summary>
public abstract record RequestCommandBy(Guid RequestId, Actor Actor) : ICommandBy
{
    public virtual string Resource => AccessResources.Request(RequestId);

    public string ConflictMessage => RequestHandler.ConflictMessage;
}
