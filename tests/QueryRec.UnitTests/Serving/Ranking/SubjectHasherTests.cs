using Microsoft.Extensions.Options;
using QueryRec.Serving.Ranking;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class SubjectHasherTests
{
    private static SubjectHasher With(string key) => new(Options.Create(new FeatureLogOptions { SubjectKey = key }));

    [Fact]
    public void Of_SameKeyAndCaller_IsStableAndHidesTheId()
    {
        var hash = With("secret-a").Of("user-42", "");

        Assert.Equal(hash, With("secret-a").Of("user-42", ""));
        Assert.Matches("^[0-9a-f]{32}$", hash);
        Assert.DoesNotContain("42", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_AnotherKey_GivesAnotherHash()
        => Assert.NotEqual(With("secret-a").Of("user-42", ""), With("secret-b").Of("user-42", ""));

    [Fact]
    public void Of_UserAndDeviceWithTheSameId_AreDifferentCallers()
        => Assert.NotEqual(With("k").Of("x", ""), With("k").Of("", "x"));

    [Fact]
    public void Of_UserAndDevice_IsTheUsersHash()
        => Assert.Equal(With("k").Of("u", ""), With("k").Of("u", "d"));

    [Fact]
    public void Of_Anonymous_IsEmpty() => Assert.Equal(string.Empty, With("k").Of("", ""));

    [Fact]
    public void Of_NoKeyConfigured_DiffersBetweenHashers()
        => Assert.NotEqual(With("").Of("user-42", ""), With("").Of("user-42", ""));
}
