namespace QueryRec.FunctionalTests;
