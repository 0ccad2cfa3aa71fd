using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>Resolves the category of a ranked-list source.</summary>
internal static class RankedLists
{
    public static bool TryCategory(CategoryScope scope, BrowseContext context, out string category)
    {
        category = scope switch
        {
            CategoryScope.Global => IndexKeys.GlobalCategory,
            _ => context.Category,
        };
        return scope != CategoryScope.ContextOnly || category.Length > 0;
    }
}
