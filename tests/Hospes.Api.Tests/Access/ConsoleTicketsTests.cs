using Hospes.Api.Access;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Tests.Access;

/// <summary>
/// One-time console tickets (issue 15): a console WebSocket opened with the session cookie needs one, made for the same
/// caller and VM, unused, within 30 s; other callers (token, certificate, unix socket) need none.
/// </summary>
public sealed class ConsoleTicketsTests
{
    private readonly Clock _clock = new();

    [Fact]
    public void ATicket_OpensOneConsole_OfItsVm_ForItsCaller_Within30s()
    {
        var tickets = new ConsoleTickets(_clock);

        (string ticket, DateTimeOffset expires) = tickets.Issue("bob", "web1");
        Assert.Equal(_clock.Start.AddSeconds(30), expires);
        Assert.Null(tickets.Refusal(Cookie(ticket), "bob", "web1"));
        Assert.StartsWith("console ticket unknown or used already", tickets.Refusal(Cookie(ticket), "bob", "web1")!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATicket_OfAnotherCaller_OrAnotherVm_OrExpired_OrNone_IsRefused_NamingWhy()
    {
        var tickets = new ConsoleTickets(_clock);

        string forAlice = tickets.Issue("alice", "web1").Ticket;
        Assert.Equal("console ticket was made for alice on VM web1, not bob on web1: POST /v1/vms/web1/console/ticket, then open the WebSocket with ?ticket=TICKET within 30 s", tickets.Refusal(Cookie(forAlice), "bob", "web1")!.Message);
        string forWeb2 = tickets.Issue("bob", "web2").Ticket;
        Assert.StartsWith("console ticket was made for bob on VM web2, not bob on web1", tickets.Refusal(Cookie(forWeb2), "bob", "web1")!.Message, StringComparison.Ordinal);
        string late = tickets.Issue("bob", "web1").Ticket;
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.StartsWith("console ticket expired", tickets.Refusal(Cookie(late), "bob", "web1")!.Message, StringComparison.Ordinal);
        Assert.StartsWith("a console WebSocket opened with the session cookie needs a one-time ticket", tickets.Refusal(Cookie(null), "bob", "web1")!.Message, StringComparison.Ordinal);
        Assert.StartsWith("console ticket unknown", tickets.Refusal(Cookie("made-up"), "bob", "web1")!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACallerWithoutTheSessionCookie_NeedsNoTicket()
    {
        var tickets = new ConsoleTickets(_clock);
        var http = new DefaultHttpContext();

        Assert.Null(tickets.Refusal(http, "bob", "web1"));
    }

    /// <summary>A request that logged in with the session cookie (the access middleware's mark), with ?ticket= when given.</summary>
    private static DefaultHttpContext Cookie(string? ticket)
    {
        var http = new DefaultHttpContext();
        http.Items[SessionCookie.Item] = new WebSession("bob", new string('0', 64), DateTimeOffset.MaxValue);
        if (ticket is not null)
        {
            http.Request.QueryString = QueryString.Create("ticket", ticket);
        }

        return http;
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Start { get; } = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        private TimeSpan _elapsed;

        public override DateTimeOffset GetUtcNow() => Start + _elapsed;

        public void Advance(TimeSpan by) => _elapsed += by;
    }
}
