package org.sipcity.registrar.jpa;

class PostgreSqlLocationServiceTest extends LocationServiceContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRESQL;
    }
}
