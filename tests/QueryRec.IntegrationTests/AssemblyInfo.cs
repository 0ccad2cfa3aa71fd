namespace QueryRec.IntegrationTests;
