using Console.Workflows.Notifications.Delivering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Console.Notifications;

public static class NotificationChannelsRegistration
{
    /// <summary>E-mail and signed webhooks behind the domain's channel port; each records "not configured" when its settings are missing.</summary>
    public static IServiceCollection AddNotificationChannels(this IServiceCollection services, IConfiguration configuration)
    {
        var options = NotificationChannelOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<INoticeChannel, SmtpMailChannel>();
        // One client for the process; connections are recycled so a webhook host's changed address is picked up.
        services.AddSingleton<INoticeChannel>(_ => new SignedWebhookChannel(
            options, new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            }));
        return services;
    }
}
