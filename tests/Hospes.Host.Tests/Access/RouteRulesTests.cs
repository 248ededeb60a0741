using System.Reflection;
using Hospes.Contracts;
using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

/// <summary>The route table is complete: a route of Hospes.Contracts.Routes without a rule fails here, so a new endpoint has to say what it needs.</summary>
public class RouteRulesTests
{
    private static readonly Dictionary<string, string> ApiRoutes = typeof(Routes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "*"];

    [Fact]
    public void EveryRouteOfTheApi_HasARule()
    {
        string[] missing = [.. ApiRoutes.Where(r => !RouteRules.All.Any(rule => rule.Template == r.Value)).Select(r => $"Routes.{r.Key} ({r.Value})")];

        Assert.True(missing.Length == 0, $"routes without an access rule (add them to Access/RouteRules): {string.Join(", ", missing)}");
        Assert.True(ApiRoutes.Count > 50, "Routes should be read by reflection");
    }

    [Fact]
    public void EveryRule_IsARouteOfTheApi_OnceForItsMethod()
    {
        Assert.Empty(RouteRules.All.Where(rule => !ApiRoutes.ContainsValue(rule.Template)).Select(r => r.Template));
        Assert.Empty(RouteRules.All.GroupBy(r => (r.Method, r.Template)).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(RouteRules.All, r => Assert.Contains(r.Method, Methods));
    }

    [Fact]
    public void EveryObjectRule_CanFillItsPaths_FromItsRouteAndTheProject()
    {
        foreach (RouteRule rule in RouteRules.All)
        {
            switch (rule.Kind)
            {
                case RouteKind.Object:
                    Assert.NotEmpty(rule.Checks);
                    string[] known = [.. ObjectPaths.Parameters(rule.Template), "project", .. rule.QueryParameters];
                    foreach (PathCheck check in rule.Checks)
                    {
                        Assert.True(ObjectPaths.Parameters(check.PathTemplate).All(known.Contains), $"{rule.Method} {rule.Template}: {check.PathTemplate} names a parameter the request lacks");
                    }

                    break;
                case RouteKind.List:
                    Assert.NotNull(rule.ItemPath);
                    break;
                default:
                    Assert.Empty(rule.Checks);
                    break;
            }
        }
    }

    [Fact]
    public void EveryFilledObjectPath_IsOneAnAclEntryCanName()
    {
        foreach (string template in RouteRules.All.SelectMany(r => r.Checks.Select(c => c.PathTemplate).Append(r.ItemPath)).OfType<string>().Distinct())
        {
            AclPath filled = ObjectPaths.Fill(template, p => p == "project" ? "lab1" : "web").Value;

            Assert.Equal(filled, AclPath.Parse(filled.Value).Value);
        }
    }

    [Fact]
    public void EveryPeerRoute_IsForPeersOnly()
    {
        Assert.All(ApiRoutes.Values.Where(r => r.StartsWith(Routes.Peer, StringComparison.Ordinal)), r => Assert.Equal(RouteKind.PeerOnly, Assert.Single(RouteRules.All, rule => rule.Template == r).Kind));
    }
}
