using System.Security.Claims;
using Bunit;
using Console.UnitTests.Web.Fakes;
using Console.Web.Components.Shared.Requests;
using Console.Web.Hosting;
using Console.Web.Security;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Time.Testing;

namespace Console.UnitTests.Web;

/// <summary>
/// Page tests of requests, approvals and the policy: the inventory context plus in-memory requests, policy and change
/// notifications, and a clock fixed at 2025-11-20 10:00 UTC.
/// </summary>
public abstract class RequestPageTest : InventoryPageTest
{
    public static readonly DateTimeOffset Now = new(2025, 11, 20, 10, 0, 0, TimeSpan.Zero);

    protected RequestPageTest()
    {
        RequestReader = new FakeRequestReader(Store);
        CommandBus.Now = Now;
        Services.AddSingleton<IRequestReader>(RequestReader);
        Services.AddSingleton<IRequestNotifications>(Notifications);
        Services.AddSingleton<IPolicyReader>(Policy);
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        Services.AddSingleton(new ConsoleOptions());
        Services.AddSingleton(new StepUpOptions());
        Services.AddScoped<StepUpPrompt>();
    }

    /// <summary>Renders a page next to a dialog provider; the result's markup holds the page and any dialog it opens.</summary>
    protected IRenderedComponent<DialogHost> RenderWithDialogs<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent =>
        Render<DialogHost>(p => p.AddChildContent<TPage>(parameters ?? (_ => { })));

    protected FakeRequestReader RequestReader { get; }

    /// <summary>Signs in a person with roles and groups (trust-domain owner groups travel in the "groups" claim).</summary>
    protected void SignInWithGroups(string userId, string[] roles, params string[] groups)
    {
        var policies = Policies.RolesFor.Where(p => p.Value.Intersect(roles).Any()).Select(p => p.Key).ToArray();
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetRoles(roles);
        auth.SetPolicies(policies);
        auth.SetClaims([new Claim("sub", userId), .. groups.Select(g => new Claim("groups", g))]);
    }

    protected void SignInAsApprover() => SignInAs(Users.Approver, Roles.NocApprover);

    protected void SignInAsSecurityOfficer() => SignInAs(Users.Security, Roles.SecurityOfficer);

    protected void SignInAsRequester() => SignInAs(Users.Operator, Roles.NocOperator);

    public static class Users
    {
        public const string Operator = "olli.operator";
        public const string Approver = "anna.approver";
        public const string Approver2 = "ben.approver";
        public const string Security = "sam.security";
        public const string PartnerOwner = "pia.partner";
    }
}
