namespace Hospes.Core.Errors;

/// <summary>Kinds of expected failure; each maps to one HTTP status at the API edge.</summary>
public enum ErrorCode
{
    /// <summary>The request or config is malformed (400).</summary>
    InvalidArgument,

    /// <summary>The named thing does not exist (404).</summary>
    NotFound,

    /// <summary>The name is taken or the thing is in use (409).</summary>
    Conflict,

    /// <summary>The action is not allowed in the VM's current state (409).</summary>
    InvalidState,

    /// <summary>The host lacks something the request needs: a file, a device, a tool, capacity (422).</summary>
    Unavailable,

    /// <summary>An operation ran out of time (504).</summary>
    Timeout,

    /// <summary>Something failed that should not have (500).</summary>
    Internal,

    /// <summary>The request carries no credentials, or ones that prove nothing (401).</summary>
    Unauthenticated,

    /// <summary>The caller is known but may not do this (403).</summary>
    Forbidden,

    /// <summary>The caller asked too often (429): failed logins from one source.</summary>
    TooManyRequests,
}
