namespace Hospes.Contracts;

public sealed record ErrorDetail(string Code, string Message, IReadOnlyList<string> Details);
