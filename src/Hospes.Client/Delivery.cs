namespace Hospes.Client;

/// <summary>How far a request got: what a caller may assume about its effect when it failed.</summary>
public enum Delivery
{
    /// <summary>The other side answered with a status: the request arrived and the answer says what it did.</summary>
    Answered,

    /// <summary>No connection was made (refused, no route, no such host, TLS refused): the request provably never arrived.</summary>
    NotDelivered,

    /// <summary>The request went out, then the connection broke, timed out or brought no readable answer: it may have taken effect.</summary>
    NoAnswer,
}
