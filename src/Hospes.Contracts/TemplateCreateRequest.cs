namespace Hospes.Contracts;

public sealed record TemplateCreateRequest
{
    public required string Vm { get; init; }
    public required string Name { get; init; }
}
