using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hospes.Api.Access;

/// <summary>The access middleware's parts, and its place in the pipeline (after routing, before any endpoint).</summary>
internal static class AccessSetup
{
    public static void AddHospesAccess(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUnixPeers, SocketUnixPeers>();
        services.TryAddSingleton(new UnixAccounts());
        services.TryAddSingleton(s => new FailedLogins(s.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(s => new AuditThrottle(s.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<HttpLogin>();
        services.TryAddSingleton(s => new WebSessions(s.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(s => new ConsoleTickets(s.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AccessMiddleware>();
    }

    public static void UseHospesAccess(this IApplicationBuilder app)
    {
        AccessMiddleware access = app.ApplicationServices.GetRequiredService<AccessMiddleware>();
        app.Use(access.InvokeAsync);
    }
}
