using Hospes.Api.Access;
using Hospes.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`POST /v1/vms/NAME/console/ticket`: a one-time ticket for the caller's next console WebSocket of NAME (<see cref="ConsoleTickets"/>).</summary>
internal static class ConsoleTicketEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Routes.VmConsoleTicket, (string name, HttpContext http, ConsoleTickets tickets) =>
        {
            (string ticket, DateTimeOffset expires) = tickets.Issue(Callers.Of(http).Display, name);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(new ConsoleTicket { Ticket = ticket, Vm = name, ExpiresAt = expires });
        });
}
