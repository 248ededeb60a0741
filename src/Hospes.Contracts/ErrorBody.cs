namespace Hospes.Contracts;

/// <summary>Every non-2xx answer of the API: {"error": {"code": "not_found", "message": "...", "details": []}}.</summary>
public sealed record ErrorBody(ErrorDetail Error);
