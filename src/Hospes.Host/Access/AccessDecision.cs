namespace Hospes.Host.Access;

/// <summary>Allowed, or refused with a message naming who, what was needed where, and how to get it (the 403's body).</summary>
internal sealed record AccessDecision(bool Allowed, string? Refusal = null)
{
    public static AccessDecision Allow { get; } = new(true);

    public static AccessDecision Refuse(string message) => new(false, message);
}
