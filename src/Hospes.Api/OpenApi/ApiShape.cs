using Microsoft.AspNetCore.Http;

namespace Hospes.Api.OpenApi;

/// <summary>How a route answers: its success status and what comes with it (the request body is read from the handler).</summary>
internal enum ShapeKind
{
    /// <summary><see cref="ApiShape.Response"/> as JSON.</summary>
    Json,

    /// <summary>application/x-ndjson: one <see cref="ApiShape.Response"/> per line, as it happens.</summary>
    Ndjson,

    /// <summary>text/plain.</summary>
    Text,

    /// <summary>A WebSocket (101), binary frames both ways.</summary>
    WebSocket,
}

/// <summary>One route's answer in the OpenAPI description: the endpoints return IResult, which says nothing of its shape.</summary>
internal sealed record ApiShape(string Method, string Template, Type? Response, int Status = StatusCodes.Status200OK, ShapeKind Kind = ShapeKind.Json)
{
    /// <summary>A short line on what the route does, for the description's summary.</summary>
    public string? Summary { get; init; }
}
