using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine.Configuration;
using Wolverine.Runtime.Handlers;

namespace Console.Workflows.Requests.Executing;

/// <summary>Applies <see cref="ExecuteRequestHandler.ConfigureFailures"/> to the execution handler with the configured delays.</summary>
internal sealed class ExecutionFailurePolicy(RequestWorkflowOptions options) : IHandlerPolicy
{
    public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.MessageType == typeof(ExecuteRequest)))
            ExecuteRequestHandler.ConfigureFailures(chain, options);
    }
}
