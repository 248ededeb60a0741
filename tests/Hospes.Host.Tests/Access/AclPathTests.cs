using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

public class AclPathTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/projects", "/projects")]
    [InlineData("/projects/lab1/", "/projects/lab1")]
    [InlineData("/projects/lab1/vms", "/projects/lab1/vms")]
    [InlineData("/projects/lab1/vms/team3-ce", "/projects/lab1/vms/team3-ce")]
    [InlineData("/projects/lab1/networks/net0", "/projects/lab1/networks/net0")]
    [InlineData("/projects/lab1/templates/debian", "/projects/lab1/templates/debian")]
    [InlineData("/projects/lab1/disks/web/xvda", "/projects/lab1/disks/web/xvda")]
    [InlineData("/images/tiny", "/images/tiny")]
    [InlineData("/access", "/access")]
    public void APathOfAKnownShape_Parses(string text, string value)
    {
        Assert.Equal(value, AclPath.Parse(text).Value.Value);
    }

    [Theory]
    [InlineData("", "it must start with '/'")]
    [InlineData("projects/lab1", "it must start with '/'")]
    [InlineData("/projects//vms", "it has an empty segment ('//')")]
    [InlineData("/project/lab1", "'project' is not a kind of object")]
    [InlineData("/access/users", "/access has no paths below it")]
    [InlineData("/projects/lab1/volumes", "'volumes' is not a kind of object in a project (they are vms, networks, disks, templates)")]
    [InlineData("/projects/lab 1", "project 'lab 1': the name contains ' '")]
    [InlineData("/projects/lab1/vms/a/b", "a vm name holds no '/'")]
    [InlineData("/projects/lab1/vms/we$b", "'we$b' is not a valid vm name")]
    public void APathOfAnotherShape_IsRefused_WithTheShapesAllowed(string text, string problem)
    {
        string message = AclPath.Parse(text).Error!.Message;

        Assert.StartsWith($"ACL path '{text}': ", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.EndsWith("paths look like /, /projects/P, /projects/P/vms/V, /projects/P/networks/N, /projects/P/disks/D, /projects/P/templates/T, /images/I", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRoot_WalksDownOneSegmentAtATime_ADiskNameBeingOne()
    {
        AclPath disk = AclPath.Parse("/projects/lab1/disks/web/xvda").Value;

        Assert.Equal(["/", "/projects", "/projects/lab1", "/projects/lab1/disks", "/projects/lab1/disks/web/xvda"], disk.FromRoot().Select(p => p.Value));
        Assert.Equal(AclPath.Of("projects", "lab1", "disks", "web/xvda"), disk);
    }
}
